from django.urls import re_path

from . import google, views

urlpatterns = [
    re_path(r'^api/bootstrap$', views.bootstrap, name='gcontacts_sync_creme__bootstrap'),
    re_path(r'^api/contacts/get$', views.contacts_get, name='gcontacts_sync_creme__contacts_get'),
    re_path(r'^api/contacts/list$', views.contacts_list, name='gcontacts_sync_creme__contacts_list'),
    re_path(r'^api/contacts/changes$', views.contacts_changes, name='gcontacts_sync_creme__contacts_changes'),
    re_path(r'^api/contacts/create$', views.contacts_create, name='gcontacts_sync_creme__contacts_create'),
    re_path(r'^api/contacts/update$', views.contacts_update, name='gcontacts_sync_creme__contacts_update'),
    re_path(r'^api/contacts/remove$', views.contacts_remove, name='gcontacts_sync_creme__contacts_remove'),
    re_path(r'^api/contacts/restore$', views.contacts_restore, name='gcontacts_sync_creme__contacts_restore'),
    re_path(r'^api/contacts/set-photos$', views.contacts_set_photos, name='gcontacts_sync_creme__contacts_set_photos'),
    re_path(r'^api/views$', views.views, name='gcontacts_sync_creme__views'),
    re_path(r'^api/statuses$', views.statuses, name='gcontacts_sync_creme__statuses'),
    re_path(r'^api/storage$', views.storage, name='gcontacts_sync_creme__storage'),
    re_path(r'^api/storage/compare-and-set$', views.storage_compare_and_set, name='gcontacts_sync_creme__storage_cas'),
    re_path(r'^api/google-token$', google.google_token, name='gcontacts_sync_creme__google_token'),
    re_path(r'^plugin/$', views.plugin_file, name='gcontacts_sync_creme__plugin'),
    re_path(r'^plugin/(?P<path>.+)$', views.plugin_file, name='gcontacts_sync_creme__plugin_file'),
]
