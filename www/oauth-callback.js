// The OAuth consent step redirects to oauth-callback.html with the token in the fragment. Hand
// the fragment to the page that opened this window (same origin only) and close. A separate file,
// not an inline script: hosts serve the plugin under `script-src 'self'`, which blocks inline code.
if (window.opener) window.opener.postMessage(location.hash, location.origin);
window.close();
