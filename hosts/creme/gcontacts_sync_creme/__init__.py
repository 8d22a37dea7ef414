"""Google Contacts Sync for Creme CRM.

The plugin (a wasm module with its own UI) runs in the browser; this app gives it a place in
Creme (a bulk action on the contacts list, a button on a contact's page, a section of "My
settings") and implements the plugin's host contract over Creme's own data through small JSON
endpoints (`views.py`), with Creme's permission checks on every read and write.
"""
