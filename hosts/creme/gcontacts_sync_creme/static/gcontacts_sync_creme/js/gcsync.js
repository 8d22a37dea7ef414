/* Google Contacts Sync in Creme: the app's entry points, bundled into Creme's main.js.
 *
 * This script only wires the entry points; the plugin itself (its loader, settings panel and
 * WebAssembly module) is imported from the app's plugin URL on first use, so a Creme page where
 * nobody clicks "Sync Contact(s)", "Sync with Google Contacts", opens a contact's sync status or
 * scrolls to the "Google Contacts Sync" section of My settings downloads none of it.
 */
(function($) {
"use strict";

window.gcsync = window.gcsync || {};
var loading = null;

/**
 * Resolves to the started plugin ({ run(kind, ids), mountSettings(el), mountStatus(el, id) })
 * served under `base`.
 */
gcsync.load = function(base) {
    if (loading === null) {
        var root = new URL(base, window.location.href).href;
        loading = import(root + 'creme-host.js').then(function(m) { return m.start(root); });
        loading.catch(function() { loading = null; });
    }
    return loading;
};

/**
 * A warning dialog saying why an action failed. Creme's dialogs render a string as HTML: the
 * message (which may quote a contact's name or a server's answer) goes in as a text node.
 */
function warn(err) {
    var text = String(err && err.message ? err.message : err);
    return creme.dialogs.warning($('<span class="gcsync-error">').text(text)).open();
}

function syncAction(list, url, ids) {
    return new creme.component.Action(function() {
        var action = this;
        if (!ids.length) {
            creme.dialogs.warning(gettext('Please select at least one contact.'))
                         .onClose(function() { action.cancel(); })
                         .open();
            return;
        }
        gcsync.load(url).then(function(plugin) {
            return plugin.run(ids);
        }).then(function() {
            if (list) list.reload();
            action.done();
        }, function(e) {
            warn(e);
            action.fail();
        });
    });
}

$(document).on('listview-setup-actions', '.ui-creme-listview', function(e, actions) {
    actions.register('gcsync-sync-selection', function(url, options, data, e) {
        return syncAction(this._list, url, this._list.selectedRows().map(String));
    });
    actions.register('gcsync-sync-one', function(url, options, data, e) {
        return syncAction(this._list, url, [String(options.id)]);
    });
});

// The button on a contact's page.
$(document).on('click', '[data-gcsync-record]', function(e) {
    e.preventDefault();
    var button = this;
    if (button.getAttribute('aria-busy') === 'true') return;
    button.setAttribute('aria-busy', 'true');
    gcsync.load(button.getAttribute('data-gcsync-base')).then(function(plugin) {
        return plugin.run([button.getAttribute('data-gcsync-record')], 'record');
    }).then(function() {
        // The plugin's notification says what changed; a reload would take it away.
        button.setAttribute('aria-busy', 'false');
    }, function(err) {
        button.setAttribute('aria-busy', 'false');
        warn(err);
    });
});

// The section of My settings: mounted when it comes on screen.
function watchSettings() {
    $('[data-gcsync-settings]:not([data-gcsync-watched])').each(function() {
        var el = this;
        el.setAttribute('data-gcsync-watched', '');
        var mount = function() {
            gcsync.load(el.getAttribute('data-gcsync-base')).then(function(plugin) {
                return plugin.mountSettings(el);
            }, function(err) {
                el.textContent = String(err && err.message ? err.message : err);
            });
        };
        if (!('IntersectionObserver' in window)) return mount();
        var seen = new IntersectionObserver(function(entries) {
            if (entries.some(function(x) { return x.isIntersecting; })) {
                seen.disconnect();
                mount();
            }
        });
        seen.observe(el);
    });
}

// A contact's sync status brick: mounted when the user opens it (a <details>, whose "toggle"
// does not bubble: listened to on its way down).
document.addEventListener('toggle', function(e) {
    var details = e.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open) return;
    if (!details.hasAttribute('data-gcsync-status') || details.hasAttribute('data-gcsync-mounted')) return;
    details.setAttribute('data-gcsync-mounted', '');
    var body = details.querySelector('.gcsync-status-body');
    gcsync.load(details.getAttribute('data-gcsync-base')).then(function(plugin) {
        return plugin.mountStatus(body, details.getAttribute('data-gcsync-status'));
    }).then(null, function(err) {
        // Closed and opened again, it tries again.
        details.removeAttribute('data-gcsync-mounted');
        body.textContent = String(err && err.message ? err.message : err);
    });
}, true);

$(document).ready(watchSettings);
$(document).on('brick-setup-actions brick-ready', watchSettings);
}(jQuery));
