// LTI Dynamic Registration: tell the platform the registration is finished (it closes the dialog).
(function () {
  "use strict";
  var target = window.opener || window.parent;
  if (target && target !== window) {
    target.postMessage({subject: "org.imsglobal.lti.close"}, "*");
  }
}());
