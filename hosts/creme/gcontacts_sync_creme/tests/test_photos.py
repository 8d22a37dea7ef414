"""Contact photos: Creme's contact image read as a `data:` URL and set by `contacts/set-photos`."""

import base64
import io
import os

from django.core.files.base import ContentFile
from PIL import Image

from creme import documents

from .. import photos
from .base import ApiTestCase, Contact

Document = documents.get_document_model()
Folder = documents.get_folder_model()


def image(fmt='PNG', size=(8, 8), noise=False) -> bytes:
    """An image's bytes; with `noise`, random pixels, which do not compress (a large file)."""
    im = Image.new('RGB', size, (200, 30, 60))
    if noise:
        im = Image.frombytes('RGB', size, os.urandom(size[0] * size[1] * 3))
    out = io.BytesIO()
    im.save(out, fmt)
    return out.getvalue()


def url(data: bytes, fmt='png') -> str:
    return f'data:image/{fmt};base64,{base64.b64encode(data).decode()}'


class PhotoTests(ApiTestCase):
    def setUp(self):
        super().setUp()
        self.user = self.login_as_root_and_get()

    def with_image(self, data: bytes, name='photo.png'):
        folder = Folder.objects.create(user=self.user, title='Pictures')
        doc = Document(user=self.user, title='A picture', linked_folder=folder)
        doc.filedata.save(name, ContentFile(data), save=False)
        doc.save()
        return Contact.objects.create(user=self.user, last_name='Pictured', image=doc)

    def read(self, contact):
        return self.post('contacts_get', {'ids': [str(contact.id)]})[0]

    def test_the_capabilities_say_creme_holds_a_photo(self):
        self.assertIs(self.get('bootstrap')['capabilities']['photo'], True)

    def test_a_small_png_image_is_read_as_its_own_bytes(self):
        data = image()
        self.assertEqual(self.read(self.with_image(data))['photo'], url(data))
        self.assertNotIn('photo', self.read(Contact.objects.create(user=self.user, last_name='Plain')))

    def test_a_large_or_other_format_image_is_read_scaled_to_a_jpeg_within_the_limit_the_same_every_time(self):
        big = image(size=(1400, 1400), noise=True)
        self.assertGreater(len(big), photos.MAX_BYTES)
        contact = self.with_image(big)
        first = self.read(contact)['photo']
        self.assertTrue(first.startswith('data:image/jpeg;base64,'))
        jpeg = base64.b64decode(first.split(',', 1)[1])
        self.assertLessEqual(len(jpeg), photos.MAX_BYTES)
        self.assertEqual(max(Image.open(io.BytesIO(jpeg)).size), photos.SCALED_SIDE)
        self.assertEqual(self.read(contact)['photo'], first, 'the same bytes at every read')
        gif = self.with_image(image('GIF'), 'photo.gif')
        self.assertTrue(self.read(gif)['photo'].startswith('data:image/jpeg;base64,'))

    def test_an_image_that_cannot_be_read_is_sent_unusable_never_as_no_photo(self):
        contact = self.with_image(b'not an image at all', 'photo.png')
        self.assertEqual(self.read(contact)['photo'], photos.UNUSABLE)
        gone = self.with_image(image())
        gone.image.filedata.delete(save=False)
        self.assertEqual(self.read(gone)['photo'], photos.UNUSABLE)

    def test_set_photos_stores_a_document_as_the_contacts_image_and_reads_back_the_same_bytes(self):
        contact = Contact.objects.create(user=self.user, last_name='Plain')
        before = contact.modified
        data = image('JPEG', (16, 16))
        self.post('contacts_set_photos', {'items': [{'id': str(contact.id), 'photo': url(data, 'jpeg')}]})
        contact.refresh_from_db()
        self.assertIsNotNone(contact.image)
        self.assertEqual(contact.image.linked_folder.title, 'Images')
        self.assertGreater(contact.modified, before, 'the change feed sees the contact changed')
        self.assertEqual(self.read(contact)['photo'], url(data, 'jpeg'))
        # Removing it unsets the image and keeps the document.
        doc = contact.image
        self.post('contacts_set_photos', {'items': [{'id': str(contact.id), 'photo': None}]})
        contact.refresh_from_db()
        self.assertIsNone(contact.image)
        self.assertTrue(Document.objects.filter(pk=doc.pk).exists())
        self.assertNotIn('photo', self.read(contact))

    def test_a_photo_that_is_not_a_jpeg_or_png_or_too_large_is_refused_and_nothing_is_written(self):
        a = Contact.objects.create(user=self.user, last_name='A')
        b = Contact.objects.create(user=self.user, last_name='B')
        good = url(image())
        cases = [
            ('data:image/gif;base64,R0lGODlhAQABAAAAACw=', 'JPEG or PNG'),
            (url(b'plain text'), 'not one'),
            (url(image(), 'jpeg'), 'not one'),
            (url(b'\x89PNG\r\n\x1a\n' + b'0' * photos.MAX_BYTES), 'over the'),
            (42, 'data: URL'),
        ]
        for photo, why in cases:
            error = self.post('contacts_set_photos', {'items': [
                {'id': str(a.id), 'photo': good}, {'id': str(b.id), 'photo': photo},
            ]}, status=400)['error']
            self.assertIn(why, error['message'])
        a.refresh_from_db()
        self.assertIsNone(a.image, 'the call wrote nothing')

    def test_a_contact_the_user_may_not_change_keeps_its_photo(self):
        self.client.logout()
        self.limited_user()
        theirs = Contact.objects.create(user=self.get_root_user(), last_name='Theirs')
        error = self.post('contacts_set_photos', {'items': [{'id': str(theirs.id), 'photo': url(image())}]}, status=403)['error']
        self.assertEqual((error['code'], error['contact']), ('PERMISSION_DENIED', str(theirs.id)))
        theirs.refresh_from_db()
        self.assertIsNone(theirs.image)
