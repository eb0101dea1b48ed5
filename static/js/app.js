// East Midlands Restorative Justice Directory: front-end behaviour.
//
// Loaded as an ES module:  <script type="module" src="{% static 'js/app.js' %}"></script>
// at the end of <body>. Browsers that do not support ES modules never run
// this file and get the plain, fully working HTML/CSS version of every page.
//
// govuk-frontend 5 normally marks the page as supported with an inline
// <script> in <body>. Our Content-Security-Policy forbids inline scripts, so
// the class is added here instead. It must be set before initAll(), which
// checks for it (govuk-frontend's isSupported()). Running in a module means
// the browser supports ES modules, the same test govuk-frontend's snippet
// uses ('noModule' in HTMLScriptElement.prototype). (Module imports are
// hoisted, but loading govuk-frontend does not check the class; only
// initAll() does.)
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");

// initAll() only sets up components that have a data-module attribute on
// the page, so this initialises exactly the components that need JavaScript
// (govuk-exit-this-page, govuk-header, govuk-service-navigation,
// govuk-character-count, govuk-checkboxes / govuk-radios conditional reveals,
// govuk-error-summary, govuk-notification-banner, govuk-button,
// govuk-skip-link) and nothing else.
initAll();
