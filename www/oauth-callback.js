// @ts-check
// The OAuth consent step redirects to oauth-callback.html with the token in the fragment. Hand
// the fragment to the page that opened this window, or that holds this frame (same origin
// only); that page closes the window, or removes the frame, once it has read the answer. A separate file, not an inline script: hosts serve the
// plugin under `script-src 'self'`, which blocks inline code.
//
// The fragment is taken out of this window's address and history first, so the token is not
// left in the URL bar, the session history or a copied link.
//
// Closing here at once would race the message: the opener also watches for this window closing
// (the user gave up), and it could see the window closed before the message was delivered, then
// report a sign-in that in fact succeeded as cancelled. So this window only closes itself if
// nobody has done so after a while (the opener is gone, or refused the answer).
const answer = location.hash;
history.replaceState(null, "", location.pathname + location.search);
// A popup answers its opener; a hidden frame (a host renewing a token without the user, with
// `prompt=none`) answers the page that holds it.
const asker = window.opener || (window.parent !== window ? window.parent : null);
if (asker) asker.postMessage(answer, location.origin);
// A frame is removed by its page; only a window closes itself.
if (window.parent === window) setTimeout(() => window.close(), window.opener ? 5000 : 0);
