"""Seed the information pages every installation needs.

Forum staff can edit these pages in the admin afterwards. Running the
migration again (for example on a fresh database) puts back the text below,
keyed on each page's slug. Reversing the migration leaves the pages alone.

The text is written in plain English, in GOV.UK style. It draws on facts from
the forum's first briefing (restorative justice in Leicester, Leicestershire
and Rutland), the forum's news page, and national reports, but the wording is
our own. It names organisations without giving contact details for them.
"""

from django.db import migrations

WHAT_IS_RJ = """
Restorative justice gives people a chance to talk about harm and how it has affected them. It brings together the person who was harmed and the person who caused the harm. A trained facilitator helps them communicate safely.

It can help you get answers, say how you feel and find a way to move on.

## Who takes part

Restorative justice can involve:

- the person who was harmed, sometimes called the victim
- the person who caused the harm, sometimes called the offender
- other people affected, such as family members, friends or people in the community

Everyone takes part because they choose to. Nobody can be made to take part.

## What it can help with

Taking part can give you the chance to:

- ask questions and get honest answers
- explain how the harm affected you and the people close to you
- hear the other person's side of what happened
- agree what could be done to put things right

For the person who caused harm, it is a chance to understand the effect of what they did. They can take responsibility and try to make amends.

## Different ways it can happen

There is no single way to do restorative justice. The facilitator talks with each person and plans it around what they want and need.

### Face-to-face meeting

This is sometimes called a conference. Everyone meets in a safe place with the facilitator. Before it starts, everyone agrees how they will behave towards each other.

### Shuttle mediation

You do not meet. The facilitator carries questions and answers between you. This can carry on until you have said what you need to say.

### Letter writing

One person writes a letter. The facilitator checks it before it is passed on. The other person can choose whether to write back.

### Video or phone call

You talk by video call or by telephone. A facilitator leads the conversation.

### Family group conference

A family meets to make a plan together, often to help a child. Part of the meeting is private family time, when the family talks without professionals in the room. Children's services sometimes use this when a family is having a hard time.

Police officers sometimes use a quick, informal kind of restorative justice for minor incidents. This is sometimes called on-the-spot or street restorative justice.

## Where it is used

Restorative justice is part of the criminal justice system in England and Wales. It can be offered at different stages, before or after a case goes to court. It can be offered more than once.

It is used:

- by the police, probation services and prisons
- by youth justice services that work with children and young people
- in children's social care
- in schools
- in workplaces
- in communities, for example to help neighbours in conflict

## What people say about it

People who have taken part often say that:

- they valued having a safe place to ask questions and be heard
- it felt more personal than going to court
- they felt more involved in how the harm was dealt with
- it marked a turning point and helped them move on

People who were harmed are also more likely to get an apology than they would be in court.

Restorative justice cannot undo what happened. But many people say it helped them feel more settled and ready to move forward.

## Principles

Good restorative justice follows some simple principles. It should be:

- voluntary - you choose to take part, and you can stop at any time
- safe - facilitators check for risks before and during the process
- respectful - everyone is treated with dignity
- neutral - facilitators are fair and do not take sides
- accessible - open to anyone affected by harm, without discrimination
- focused on repair - the main aim is to deal with the harm and put things right where possible

## Find a service

You can [search for restorative justice services in the East Midlands](/services/).
"""

IS_IT_RIGHT = """
Only you can decide if restorative justice is right for you. This page explains what to expect, so that you can make that choice.

## It is your choice

Restorative justice is voluntary. Everyone involved must agree to take part.

- You can say no.
- You can take time to think about it.
- You can change your mind and stop at any time, even at the last minute.

You do not have to give a reason. Some people say no at first and ask for it later, when they feel ready. It can be offered more than once.

## Your safety comes first

Before anything happens, a trained facilitator will talk with you. They check that restorative justice is safe and suitable for everyone involved. This is called a risk assessment.

The facilitator keeps checking as things go on. If it stops being safe, it will not go ahead.

Facilitators do not take sides. They treat everyone fairly and with respect.

## It is separate from court

Restorative justice is not a punishment. It does not replace a court case or a sentence.

Taking part does not change your legal rights. If you were harmed, you can still report a crime, give evidence and get support. If you caused harm, taking part will not change your sentence. Some services only start once sentencing is over.

## What happens

Every service works a little differently. These are the usual steps.

1. You ask for restorative justice, or someone offers it to you. This could be the police, a victim service, probation or a youth justice service. Some services let you contact them yourself.
2. A facilitator has a first conversation with you. They explain how it works and answer your questions.
3. The facilitator meets each person on their own to prepare. You talk about what happened, what you hope for and any worries you have.
4. Together you decide how to communicate. This could be a meeting, letters, messages passed on by the facilitator, or a video or phone call.
5. The meeting or exchange takes place. The facilitator guides it and keeps it safe.
6. You may agree an outcome. For example, the person who caused harm might apologise or agree to do something to make amends.
7. The facilitator checks in with you afterwards. They can tell you about other support if you need it.

Preparing can take weeks or even months. It takes as long as it needs to.

## If the harm involved domestic abuse or sexual harm

Restorative justice can sometimes take place in these cases, but it needs extra care.

- Only specially trained and experienced facilitators should work on these cases.
- There is a more detailed risk assessment.
- Facilitators often work closely with specialist support services.
- Some services do not take these cases at all.

When you search the directory, use the "Complex and sensitive cases" filter. It shows services that have trained staff for these cases.

If you are in danger now, call 999. This website cannot give emergency help.

If you are worried that someone might check what you look at online, our privacy notice explains how to browse more privately.

## You do not have to do it alone

You can usually bring someone to support you. This could be a friend, a family member or a support worker. Talk to your facilitator about who you would like with you.

## It is free

You do not have to pay to take part in restorative justice.

## Find a service

[Search for a restorative justice service](/services/). You can narrow down the list, for example by who the service is for. Each listing says whether you can contact the service yourself or need someone to refer you.
"""

FOR_PROFESSIONALS = """
This page is for anyone who might offer restorative justice or refer someone to a service, such as police, probation, youth justice, victim services, social care, schools and health.

## What victims are entitled to

The Code of Practice for Victims of Crime in England and Wales, known as the Victims' Code, sets out what victims can expect from criminal justice agencies. It says victims should get information about restorative justice and how to take part.

- The police are usually the first to give this information, at their first contact with the victim.
- Other agencies, such as youth offending teams and victim services, can give it too.
- The information should be full and impartial.

Check the current version of the Victims' Code for the exact wording.

Many victims never hear about it. In one national study, fewer than 1 in 10 victims remembered being offered the chance to meet the person who harmed them.

## Talking about restorative justice

- Use plain words, at a time when the person can take them in.
- Stay neutral. Do not push people towards it or put them off.
- Explain that it is voluntary and that they can stop at any time.
- Explain that it is separate from court and does not change their legal rights.
- Do not mix it up with mediation or with a community resolution.
- Accept a no. Let them know they can ask later, as people often change their minds.

## The service decides if it is suitable

You do not need to decide whether restorative justice is suitable. Under the Victims' Code, that is a job for the restorative justice professional, not the agency that refers. The facilitator assesses suitability, needs and risks before anything goes ahead.

Do not rule someone out because of the type of offence. Give them the information and let the service assess.

## Making a referral

1. Use [the directory](/services/) to find a service that covers the right area and works with the right people. For example, see [services for people harmed](/services/?audience=people-harmed), [services for people who caused harm](/services/?audience=people-who-caused-harm) or [services for families](/services/?audience=families).
2. Read the listing to check who the service is for and how to refer.
3. Get the person's consent before you share their details, and record it.
4. Tell them what will happen next and who will contact them.
5. Share only what the service needs, in a secure way.

## Referral routes

Referral routes are different in each area. The forum's first briefing looked at Leicester, Leicestershire and Rutland. At that time:

- the police could use restorative justice alongside a community resolution or conditional caution, and could pass cases that needed a more structured meeting to the commissioned victim service, Victim First
- Victim First took referrals from the police and probation, and offered restorative justice to victims it was already supporting
- most probation restorative justice work came from offender managers inside probation
- youth offending teams contacted victims who had agreed to be contacted, and offered both direct and indirect options

Some services also accept self-referrals. Each listing says whether a service does.

## Sharing information

Agencies that work with victims and agencies that work with offenders need to share some information. Data protection law applies.

- Put an information sharing agreement in place with the services you refer to. Many providers already have one.
- Share the least information needed, and record why you shared it.
- Keep your partners' contact details up to date. When staff move on, links can get lost.

## Sensitive and complex cases

Cases involving domestic abuse, sexual harm, stalking, hate crime or child sexual exploitation need extra care. The Restorative Justice Council says experienced facilitators should lead them, with supervision. Higher risk should be managed by having two facilitators work together and by working closely with specialist support services.

Some services do not take these cases. Use the directory's "Complex and sensitive cases" filter to find those that do.

## Quality

Signs that a service works to national standards include:

- following the Restorative Justice Council's practice guidance
- holding the Restorative Service Quality Mark, which the Restorative Justice Council awards after an independent check against its standards
- using facilitators who are on the Restorative Justice Council's register of practitioners

Listings show any accreditation the service has told us about.
"""

ABOUT_FORUM = """
The East Midlands Restorative Justice Forum is a network for anyone interested in restorative justice in the region. It started in March 2020.

The forum is a professional network. It is not a company or a charity.

## Who the forum welcomes

Membership is open to:

- restorative justice services across the East Midlands, whether they work with people harmed, people who caused harm or others affected
- people who work in the criminal justice system
- academics and students
- community and faith groups
- other services, such as social care, education and health
- members of the public with an interest in restorative justice

## What the forum does

Members share knowledge and ideas to help improve restorative justice. The forum:

- gives services and practitioners a chance to meet and build links
- maps restorative justice services across the East Midlands
- shares good practice and new ideas, including for complex and sensitive cases
- looks for chances to share training
- works to make referral routes clearer
- helps members think about data protection and privacy

### Briefing series

The forum writes a series of briefings. Each one looks at an issue in the region and makes recommendations.

The first issue gave an overview of restorative justice in Leicester, Leicestershire and Rutland. It described work by the police, probation, youth justice, a victim service and children's social care. It also looked at the problems practitioners face day to day.

### Meetings

Members meet to discuss shared topics. In April 2021, the forum held a meeting on good practice in complex and sensitive cases. People came from restorative justice services, victim services, youth justice and the police. Services that support people affected by sexual and domestic violence came too.

### This directory

This website is one of the forum's projects. It gives the public and professionals clear information about restorative justice and the services in the region.

## What the forum wants to change

The first briefing found that:

- too few people know about restorative justice, including many professionals
- few people are referred to services
- agencies can find it hard to work together and share information
- some services have few staff and little time for training
- information about services often goes out of date

The briefing made recommendations, and forum members took them on as goals:

- raise awareness among professionals and the public
- increase the number of referrals and the number of people taking part
- agree clearer referral routes between agencies
- keep agencies talking about how practice develops
- improve how services record their work, so that they can be compared
- promote training across agencies, including for complex and sensitive cases
- share good practice and success stories

## How services are listed

Each service keeps its own listing up to date. Forum staff review listings to check they are clear and accurate. Each listing shows when its details were last checked.

If you run a restorative justice service in the East Midlands, you can ask a forum member about being listed.

If you see something wrong on a service page, use the "Report a problem with this page" link on that page.

## Find a service

[Search for restorative justice services in the East Midlands](/services/).
"""

ACCESSIBILITY = """
This statement is about this website, the East Midlands directory of restorative justice services. The East Midlands Restorative Justice Forum runs it.

We want as many people as possible to be able to use this website, including disabled people.

## How accessible this website is

We aim to meet the Web Content Accessibility Guidelines (WCAG) version 2.2 at level AA.

You should be able to:

- use the whole website without JavaScript
- zoom in up to 400% without text spilling off the screen
- use the website with a keyboard only
- use the website with a screen reader
- read the information easily, because we write in plain English
- use the website on a slow or expensive connection, because pages are small and light

## What we know is not yet right

We test with automated tools and keyboard checks; we have not yet had a full audit by a specialist. This means there may be problems we have not found yet.

Services write their own listings. Forum staff review them, but some listings may use harder words than we would like.

Some listings link to a service's own website or referral form. We do not run those websites, so they may be harder to use than this one.

## Tell us about a problem

If you find a problem with this website, or you need information in a different format, please tell us. You can:

- use the "Report a problem with this page" link on any service page
- tell us through a forum member

Tell us which page you were on and what went wrong. If you want a reply, give us a way to contact you.

## Enforcement procedure

The Equality and Human Rights Commission (EHRC) is responsible for enforcing accessibility law. If you are not happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS).

## Preparation of this statement

This statement was prepared on 22 November 2026.

We will review it when we make big changes to the website, and again after a full audit.
"""

PRIVACY = """
This notice explains what happens to your information when you use this website. The East Midlands Restorative Justice Forum runs this website and is responsible for the information described here.

## Staying safe when you browse

Your web browser keeps a history of the pages you visit. If you are worried that someone might see that you looked at this website, you can:

- use private browsing, sometimes called incognito mode
- clear your browsing history after your visit
- use a device that the other person cannot get to, if that is possible

This website cannot see or change your browser history.

## What we do not collect

When you browse or search this website:

- we do not use cookies
- we do not use analytics or tracking tools
- we do not show adverts
- we do not load anything from other companies, such as fonts, scripts or maps - everything comes from this website
- we do not store your searches against you

## Cookies

Some pages have a form, such as the "Report a problem" form. On those pages only, we set one security cookie. It stops other websites from sending false reports through the form, which is known as forgery. It contains a random code and nothing about you.

If you are a service provider who signs in to edit a listing, we also use a cookie to keep you signed in.

## Web server logs

Like most websites, our web server keeps a record of each visit. This can include your IP address, the page you asked for and the time you asked for it.

We use these logs only to keep the website secure and working. We keep them for up to 30 days, then delete them.

## If you report a problem

The "Report a problem" form asks what is wrong with the page. You do not have to give an email address. If you do, we use it only to reply to you about your report.

Please do not include details about your own case or about other people.

We delete reports within 12 months of closing them.

## If you contact a service

This website does not send your information to any restorative justice service. If you contact a service listed here, that service is responsible for what you tell it. You can ask the service for its own privacy notice.

## Service provider accounts

People who keep service listings up to date have an account on this website. We keep their name and work email address. We use these so they can sign in and so we can contact them about their listings.

## Why we use your information

We use the information on this page because we have a legitimate interest in keeping the website safe, fixing problems and keeping listings accurate. We do not sell your information. We only share it if the law requires us to.

## Your rights

Under UK data protection law (UK GDPR), you have the right to:

- ask for a copy of the information we hold about you
- ask us to correct information that is wrong
- ask us to delete your information
- object to how we use your information, or ask us to limit it

To use any of these rights, tell us through a forum member or use the "Report a problem with this page" link on any service page.

If you are not happy with how we handle your information, you can complain to the Information Commissioner's Office (ICO).

## Changes to this notice

We will update this page if the way we use information changes.
"""

PAGES = [
    {
        "slug": "what-is-restorative-justice",
        "title": "What restorative justice is",
        "summary": (
            "Restorative justice lets people harmed by crime or conflict communicate "
            "with the person responsible, with help from a trained facilitator."
        ),
        "body": WHAT_IS_RJ,
        "position": 1,
        "show_in_footer": False,
    },
    {
        "slug": "is-it-right-for-me",
        "title": "Is restorative justice right for me?",
        "summary": (
            "What to think about before you take part in restorative justice, "
            "what happens at each step and how to find a service."
        ),
        "body": IS_IT_RIGHT,
        "position": 2,
        "show_in_footer": False,
    },
    {
        "slug": "for-professionals",
        "title": "For professionals",
        "summary": (
            "How to offer restorative justice to victims and other people, and how "
            "to make a safe, well-prepared referral to a service."
        ),
        "body": FOR_PROFESSIONALS,
        "position": 3,
        "show_in_footer": False,
    },
    {
        "slug": "about-the-forum",
        "title": "About the forum",
        "summary": (
            "The East Midlands Restorative Justice Forum is an open network of people "
            "working for good restorative justice services across the region."
        ),
        "body": ABOUT_FORUM,
        "position": 4,
        "show_in_footer": True,
    },
    {
        "slug": "accessibility",
        "title": "Accessibility statement",
        "summary": (
            "How accessible this website is, what we know is not yet right and how "
            "to tell us about a problem."
        ),
        "body": ACCESSIBILITY,
        "position": 5,
        "show_in_footer": True,
    },
    {
        "slug": "privacy",
        "title": "Privacy notice",
        "summary": (
            "What information this website collects, why we collect it, how long we "
            "keep it and what your rights are."
        ),
        "body": PRIVACY,
        "position": 6,
        "show_in_footer": True,
    },
]


def seed(apps, schema_editor):
    Page = apps.get_model("pages", "Page")
    for page in PAGES:
        Page.objects.update_or_create(
            slug=page["slug"],
            defaults={
                "title": page["title"],
                "summary": page["summary"],
                "body": page["body"].strip() + "\n",
                "position": page["position"],
                "show_in_footer": page["show_in_footer"],
                "published": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
