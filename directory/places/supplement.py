"""Well-known East Midlands places GeoNames misses, names differently or places wrongly.

Each entry names the place, its district's ONS code and an outward code with postcodes in that
district (the build refuses an entry whose outward code has none, to catch typos). An entry
replaces any GeoNames place of the same name. Aliases are other names people use for it.
Facts only: add a place only when sure which council area it is in.

``ELSEWHERE`` gives other names people use for places outside the region that GeoNames has
under one name only. An alias that is also the name of a place in the region makes that place
``also_outside`` (a visitor typing it may mean the place elsewhere); any other alias is added
to the places outside the region.
"""

from dataclasses import dataclass

DERBY = "E06000015"
LEICESTER = "E06000016"
RUTLAND = "E06000017"
NOTTINGHAM = "E06000018"
WEST_NORTHAMPTONSHIRE = "E06000062"
AMBER_VALLEY = "E07000032"
BOLSOVER = "E07000033"
CHESTERFIELD = "E07000034"
DERBYSHIRE_DALES = "E07000035"
EREWASH = "E07000036"
HIGH_PEAK = "E07000037"
NORTH_EAST_DERBYSHIRE = "E07000038"
SOUTH_DERBYSHIRE = "E07000039"
BLABY = "E07000129"
CHARNWOOD = "E07000130"
HARBOROUGH = "E07000131"
HINCKLEY_AND_BOSWORTH = "E07000132"
NORTH_WEST_LEICESTERSHIRE = "E07000134"
OADBY_AND_WIGSTON = "E07000135"
EAST_LINDSEY = "E07000137"
NORTH_KESTEVEN = "E07000139"
SOUTH_HOLLAND = "E07000140"
SOUTH_KESTEVEN = "E07000141"
WEST_LINDSEY = "E07000142"
ASHFIELD = "E07000170"
BASSETLAW = "E07000171"
BROXTOWE = "E07000172"
GEDLING = "E07000173"
NEWARK_AND_SHERWOOD = "E07000175"


@dataclass(frozen=True)
class Entry:
    name: str
    district: str
    outward: str
    aliases: tuple = ()


@dataclass(frozen=True)
class Elsewhere:
    """A GeoNames place outside the region, by its GeoNames name, and other names for it."""

    name: str
    aliases: tuple


SUPPLEMENT = (
    # Derbyshire
    Entry("Breadsall", EREWASH, "DE21"),
    Entry("Breaston", EREWASH, "DE72"),
    Entry("Brimington", CHESTERFIELD, "S43"),
    Entry("Clay Cross", NORTH_EAST_DERBYSHIRE, "S45"),
    Entry("Codnor", AMBER_VALLEY, "DE5"),
    Entry("Crich", AMBER_VALLEY, "DE4"),
    Entry("Darley Dale", DERBYSHIRE_DALES, "DE4"),
    Entry("Eckington", NORTH_EAST_DERBYSHIRE, "S21"),
    Entry("Hadfield", HIGH_PEAK, "SK13"),
    Entry("Hilton", SOUTH_DERBYSHIRE, "DE65"),
    Entry("Kirk Hallam", EREWASH, "DE7"),
    Entry("Langley Mill", AMBER_VALLEY, "NG16"),
    Entry("Newhall", SOUTH_DERBYSHIRE, "DE11"),
    Entry("North Wingfield", NORTH_EAST_DERBYSHIRE, "S42"),
    Entry("Sandiacre", EREWASH, "NG10"),
    Entry("Somercotes", AMBER_VALLEY, "DE55"),
    Entry("South Normanton", BOLSOVER, "DE55"),
    Entry("Woodville", SOUTH_DERBYSHIRE, "DE11"),
    # Derby
    Entry("Allestree", DERBY, "DE22"),
    Entry("Alvaston", DERBY, "DE24"),
    Entry("Chellaston", DERBY, "DE73"),
    Entry("Littleover", DERBY, "DE23"),
    Entry("Mickleover", DERBY, "DE3"),
    Entry("Spondon", DERBY, "DE21"),
    # Leicestershire
    Entry("Ashby-de-la-Zouch", NORTH_WEST_LEICESTERSHIRE, "LE65", ("Ashby",)),
    Entry("Barwell", HINCKLEY_AND_BOSWORTH, "LE9"),
    Entry("Birstall", CHARNWOOD, "LE4"),
    Entry("Braunstone Town", BLABY, "LE3"),
    Entry("Burbage", HINCKLEY_AND_BOSWORTH, "LE10"),
    Entry("Kibworth", HARBOROUGH, "LE8", ("Kibworth Beauchamp",)),
    Entry("Newtown Linford", CHARNWOOD, "LE6", ("Newtown Limford",)),
    Entry("Quorn", CHARNWOOD, "LE12", ("Quorndon",)),
    Entry("Scraptoft", HARBOROUGH, "LE7"),
    Entry("South Wigston", OADBY_AND_WIGSTON, "LE18"),
    Entry("Thurmaston", CHARNWOOD, "LE4"),
    Entry("Thurnby", HARBOROUGH, "LE7"),
    Entry("Whitwick", NORTH_WEST_LEICESTERSHIRE, "LE67"),
    Entry("Wigston", OADBY_AND_WIGSTON, "LE18"),
    # Leicester
    Entry("Beaumont Leys", LEICESTER, "LE4"),
    Entry("Evington", LEICESTER, "LE5"),
    # Lincolnshire
    Entry("Cherry Willingham", WEST_LINDSEY, "LN3"),
    Entry("Deeping St James", SOUTH_KESTEVEN, "PE6"),
    Entry("Long Sutton", SOUTH_HOLLAND, "PE12"),
    Entry("North Hykeham", NORTH_KESTEVEN, "LN6"),
    Entry("Sutton on Sea", EAST_LINDSEY, "LN12"),
    Entry("Wainfleet All Saints", EAST_LINDSEY, "PE24", ("Wainfleet",)),
    # Northamptonshire
    Entry("Duston", WEST_NORTHAMPTONSHIRE, "NN5"),
    Entry("Kingsthorpe", WEST_NORTHAMPTONSHIRE, "NN2"),
    Entry("Weedon Bec", WEST_NORTHAMPTONSHIRE, "NN7", ("Weedon",)),
    # Nottinghamshire
    Entry("Beeston", BROXTOWE, "NG9"),
    Entry("Bramcote", BROXTOWE, "NG9"),
    Entry("Carlton", GEDLING, "NG4"),
    Entry("Chilwell", BROXTOWE, "NG9"),
    Entry("Clipstone", NEWARK_AND_SHERWOOD, "NG21"),
    Entry("Collingham", NEWARK_AND_SHERWOOD, "NG23"),
    Entry("Eastwood", BROXTOWE, "NG16"),
    Entry("Harworth", BASSETLAW, "DN11"),
    Entry("Netherfield", GEDLING, "NG4"),
    Entry("Newark-on-Trent", NEWARK_AND_SHERWOOD, "NG24", ("Newark",)),
    Entry("Nuthall", BROXTOWE, "NG16"),
    Entry("Ollerton", NEWARK_AND_SHERWOOD, "NG22"),
    Entry("Selston", ASHFIELD, "NG16"),
    Entry("Stapleford", BROXTOWE, "NG9"),
    Entry("Toton", BROXTOWE, "NG9"),
    # Nottingham
    Entry("Bulwell", NOTTINGHAM, "NG6"),
    Entry("Lenton", NOTTINGHAM, "NG7"),
    Entry("Sneinton", NOTTINGHAM, "NG2"),
    Entry("Wollaton", NOTTINGHAM, "NG8"),
    # Rutland
    Entry("Tinwell", RUTLAND, "PE9"),
)

ELSEWHERE = (
    # Staffordshire; "Burton" is also a village in West Lindsey.
    Elsewhere("Burton upon Trent", ("Burton-on-Trent", "Burton")),
)
