"""Google tokens kept per (session, account), the OAuth redirect page, and what the page is told of
the plugin's configuration."""

import datetime
import json

from django.test import Client, override_settings
from django.urls import reverse

from .base import ApiTestCase


def in_an_hour():
    return (datetime.datetime.now(datetime.timezone.utc).timestamp() + 3600) * 1000


def a_second_ago():
    return (datetime.datetime.now(datetime.timezone.utc).timestamp() - 1) * 1000


class GoogleTokenTests(ApiTestCase):
    def set_token(self, email, access, expires=None, client=None):
        self.post('google_token', {
            'op': 'set', 'accessToken': access, 'expiresAt': expires or in_an_hour(), 'email': email,
        }, client=client)

    def token(self, account, client=None):
        return self.post('google_token', {'op': 'get', 'account': account}, client=client)['token']

    def test_each_account_gets_its_own_token_never_another_accounts(self):
        self.login_as_root_and_get()
        self.set_token('alice@example.test', 'ya29.alice')
        self.set_token('Bob@Example.test', 'ya29.bob')
        alice = self.token('alice@example.test')
        self.assertEqual((alice['accessToken'], alice['email']), ('ya29.alice', 'alice@example.test'))
        # The plugin names an account by its email in lower case.
        bob = self.token('bob@example.test')
        self.assertEqual((bob['accessToken'], bob['email']), ('ya29.bob', 'Bob@Example.test'))
        self.assertIsNone(self.token('carol@example.test'), 'an account never signed in has no token')
        # Signing in again replaces that account's token only.
        self.set_token('alice@example.test', 'ya29.alice2')
        self.assertEqual(self.token('alice@example.test')['accessToken'], 'ya29.alice2')
        self.assertEqual(self.token('bob@example.test')['accessToken'], 'ya29.bob')

    def test_a_token_is_kept_until_it_expires(self):
        self.login_as_root_and_get()
        self.set_token('alice@example.test', 'ya29.old', expires=a_second_ago())
        self.assertIsNone(self.token('alice@example.test'))

    def test_clearing_one_account_leaves_the_others(self):
        self.login_as_root_and_get()
        self.set_token('alice@example.test', 'ya29.alice')
        self.set_token('bob@example.test', 'ya29.bob')
        self.post('google_token', {'op': 'clear', 'account': 'ALICE@example.test'})
        self.assertIsNone(self.token('alice@example.test'))
        self.assertEqual(self.token('bob@example.test')['accessToken'], 'ya29.bob')

    def test_logging_out_clears_every_token(self):
        user = self.login_as_root_and_get()
        self.set_token('alice@example.test', 'ya29.alice')
        self.set_token('bob@example.test', 'ya29.bob')
        self.client.logout()
        self.client.force_login(user)
        self.assertIsNone(self.token('alice@example.test'))
        self.assertIsNone(self.token('bob@example.test'))

    def test_another_login_session_has_no_token(self):
        self.login_as_root_and_get()
        self.set_token('alice@example.test', 'ya29.alice')
        other = Client()
        other.force_login(self.get_root_user())
        self.assertIsNone(self.token('alice@example.test', client=other))

    def test_a_token_without_its_account_or_a_get_without_one_is_refused(self):
        self.login_as_root_and_get()
        for body in [
            {'op': 'set', 'accessToken': 'ya29.x', 'expiresAt': in_an_hour()},
            {'op': 'set', 'accessToken': 'ya29.x', 'expiresAt': in_an_hour(), 'email': 'not an email'},
            {'op': 'set', 'accessToken': 'ya29.x', 'expiresAt': True, 'email': 'a@example.test'},
            {'op': 'set', 'accessToken': '', 'expiresAt': in_an_hour(), 'email': 'a@example.test'},
            {'op': 'get'},
            {'op': 'get', 'account': 42},
            {'op': 'forget'},
        ]:
            self.assertEqual(self.post('google_token', body, status=400)['error']['code'], 'INVALID', body)


class OAuthRedirectPageTests(ApiTestCase):
    def test_the_redirect_page_is_served_without_a_session(self):
        # The consent step redirects here with the token in the fragment: a redirect to the
        # login page would carry the fragment into its address and the history.
        for name in ('oauth-callback.html', 'oauth-callback.js'):
            url = reverse('gcontacts_sync_creme__plugin_file', args=[name])
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, name)
            self.assertNotIn('Location', response)

    def test_the_plugins_other_files_need_a_session(self):
        response = self.client.get(reverse('gcontacts_sync_creme__plugin_file', args=['creme-host.js']))
        self.assertEqual(response.status_code, 302)
        self.assertIn('login', response['Location'])
        self.login_as_root_and_get()
        response = self.client.get(reverse('gcontacts_sync_creme__plugin_file', args=['creme-host.js']))
        self.assertEqual(response.status_code, 200)

    def test_the_manifests_js_entry_and_what_it_loads_are_served_as_javascript(self):
        # Hosts import the entry the manifest names (files.js); it imports the glue and starts
        # the sync worker beside it, all as module scripts, which need a JavaScript type.
        self.login_as_root_and_get()
        response = self.client.get(reverse('gcontacts_sync_creme__plugin_file', args=['plugin-manifest.json']))
        self.assertEqual(response.status_code, 200)
        files = json.loads(b''.join(response.streaming_content))['files']
        for path in (files['js'], files['glue'], 'www/plugin/sync-worker.js', 'www/plugin/worker-bridge.js'):
            self.assertTrue(path.startswith('www/'), path)
            response = self.client.get(reverse('gcontacts_sync_creme__plugin_file', args=[path[len('www/'):]]))
            self.assertEqual(response.status_code, 200, path)
            self.assertIn('javascript', response['Content-Type'], path)


class BootstrapConfigTests(ApiTestCase):
    @override_settings(GCONTACTS_SYNC={
        'googleClientId': 'client.apps.googleusercontent.com',
        'peopleApiBase': 'http://127.0.0.1:9/people',
        'clientSecret': 'GOCSPX-not-for-the-page',
        'databasePassword': 'hunter2',
    })
    def test_the_page_is_told_only_what_the_plugin_needs(self):
        self.login_as_root_and_get()
        config = self.get('bootstrap')['config']
        self.assertEqual(config['googleClientId'], 'client.apps.googleusercontent.com')
        self.assertEqual(config['peopleApiBase'], 'http://127.0.0.1:9/people')
        self.assertEqual(config['authUrl'], 'https://accounts.google.com/o/oauth2/v2/auth')
        self.assertEqual(set(config), {'googleClientId', 'peopleApiBase', 'authUrl', 'revokeUrl', 'worker'})
        self.assertNotIn('GOCSPX', str(config))
        self.assertNotIn('hunter2', str(config))
