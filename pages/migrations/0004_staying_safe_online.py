"""Add the "Staying safe online" information page.

Some people who use this website live with the person who harmed them. This
page says plainly what the "Exit this page" button does and does not do, and
how to leave fewer traces. The wording is our own, in plain English, and
names no menu paths exactly because browsers change them.

Running the migration again puts back the text below, keyed on the slug.
Reversing it leaves the page alone.
"""

from django.db import migrations

STAYING_SAFE = """
If you are in danger now, call 999.

If you are worried that someone checks your phone, tablet or computer, this page can help you use this website more safely.

## The "Exit this page" button

Every page on this website has a red "Exit this page" button near the top.

### What the button does

- It takes you straight away to a weather page on a different website.
- If JavaScript is turned on, it also swaps this page out of the back button's list for that tab. So pressing "back" is less likely to bring this website up again.
- You can also press the Shift key 3 times quickly. This works the same as clicking the button.

### What the button does not do

- It does not delete your browsing history.
- Someone could still see this website in your history.
- The address bar may still suggest this website when someone starts typing.
- Other tabs you have open on this website stay open.

To leave fewer traces, use private browsing, or delete your history after your visit.

## Use private browsing

Private browsing is a way of using your web browser that does not save the pages you visit in your history. When you close all your private windows, the browser forgets them.

It has a different name in each browser:

- Safari and Firefox: Private Browsing
- Chrome: Incognito
- Edge: InPrivate

You can usually open a private window from the browser's menu. Look for "New private window", "New Incognito window" or "New InPrivate window".

Private browsing does not hide you from everyone. For example, your employer or whoever runs the Wi-Fi may still be able to see which websites you visit.

## Delete your browsing history

If you did not use private browsing, you can delete your history after your visit. The steps change from time to time, so look for words like these.

### On a computer

- Chrome and Edge: open the menu and look for "History", then "Clear browsing data" or "Delete browsing data".
- Firefox: open the menu and look for "History", then "Clear recent history".
- Safari on a Mac: open the "History" menu and look for "Clear History".

### On a phone or tablet

- In the browser app, look in its menu or settings for "History" or "Privacy".
- On an iPhone or iPad using Safari, look in the phone's Settings app, under Safari.

Some people notice if their whole history has gone. If that would put you at risk, you may be able to delete only the pages from this website, or only the last hour.

## Cookies and tracking

This website does not set any cookies while you browse, and it does not track you.

The "Report a problem" form sets one small security cookie, on that page only. It holds a random code and nothing about you. Your browser normally deletes it when you close the browser.

## Use a safer device

If someone checks your phone or computer, it may be safer to use a different one. For example, you could use a computer at a library, or a friend's phone that the other person cannot get to.

## Get help now

If you are in danger now, call 999.

If you cannot speak, call 999 from a mobile phone, listen to the questions, and press 55 when you are asked to. This lets the police know you need help.
"""


def seed(apps, schema_editor):
    Page = apps.get_model("pages", "Page")
    Page.objects.update_or_create(
        slug="staying-safe-online",
        defaults={
            "title": "Staying safe online",
            "summary": (
                "What the Exit this page button does and does not do, and how to use "
                "private browsing or delete your history."
            ),
            "body": STAYING_SAFE.strip() + "\n",
            "position": 0,
            "show_in_footer": True,
            "published": True,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("pages", "0003_privacy_notice_reports")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
