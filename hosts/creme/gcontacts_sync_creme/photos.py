"""Contact photos (the host contract's `capabilities.photo`, docs/hosts.md): Creme's contact
image (`Contact.image`, a document of the documents app) ⇄ the contract's `photo`, a `data:` URL
of a JPEG or PNG of at most 1 MiB.

Reading sends the image's own bytes when they already fit (a JPEG or PNG of at most 1 MiB), else
the image scaled down and saved as a JPEG, the same bytes for the same file every time (so the
plugin sees no change). An image the user may not view, or whose file is missing or is not an
image, is sent as an unusable photo: the plugin then skips that contact and reports it, rather
than reading "no photo" and removing the photo from Google.

Writing stores the photo as a new document in Creme's "Images" folder, owned by the user who
syncs, and sets it as the contact's image; removing the photo unsets the image and leaves the
document where it is (a user's documents are never deleted by a sync).
"""

import base64
import binascii
import io
import re

from django.core.files.base import ContentFile

from creme import documents
from creme.documents import constants as dconst

Document = documents.get_document_model()
Folder = documents.get_folder_model()

MAX_BYTES = 1024 * 1024
# The longest side of a photo scaled down to fit; Google shows contact photos far smaller.
SCALED_SIDE = 1024
FOLDER_TITLE = 'Images'

# What the plugin reads as a photo it cannot use (neither a JPEG nor a PNG): the contact is
# skipped and reported, nothing is written for it.
UNUSABLE = 'data:application/octet-stream;base64,'

_DATA_URL = re.compile(r'data:image/(jpeg|png);base64,([A-Za-z0-9+/=\s]*)\Z')


def kind(data: bytes):
    """'jpeg' or 'png' from the file's first bytes, else None."""
    if data[:3] == b'\xff\xd8\xff':
        return 'jpeg'
    if data[:8] == b'\x89PNG\r\n\x1a\n':
        return 'png'
    return None


def data_url(data: bytes, fmt: str) -> str:
    return f'data:image/{fmt};base64,{base64.b64encode(data).decode("ascii")}'


def _scaled(data: bytes):
    """The image as a JPEG of at most MAX_BYTES, or None when it is not an image."""
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(io.BytesIO(data)) as im:
            im = im.convert('RGB')
            im.thumbnail((SCALED_SIDE, SCALED_SIDE))
            for quality in (85, 70, 50):
                out = io.BytesIO()
                im.save(out, 'JPEG', quality=quality, optimize=True)
                if out.tell() <= MAX_BYTES:
                    return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return None


def photo_of(doc, user) -> str:
    """The contract's `photo` for the contact image `doc`."""
    if not user.has_perm_to_view(doc):
        return UNUSABLE
    try:
        with doc.filedata.open('rb') as f:
            data = f.read()
    except (OSError, ValueError):
        return UNUSABLE
    fmt = kind(data)
    if fmt and len(data) <= MAX_BYTES:
        return data_url(data, fmt)
    scaled = _scaled(data)
    return data_url(scaled, 'jpeg') if scaled else UNUSABLE


def photos(contacts, user) -> dict:
    """The `photo` of each of `contacts` that has an image, by contact id: one query for the
    page's documents."""
    wanted = {c.image_id for c in contacts if c.image_id}
    if not wanted:
        return {}
    docs = {d.id: d for d in Document.objects.filter(pk__in=wanted)}
    by_doc = {i: photo_of(d, user) for i, d in docs.items()}
    return {c.id: by_doc.get(c.image_id, UNUSABLE) for c in contacts if c.image_id}


class InvalidPhoto(ValueError):
    pass


def decode(value, where):
    """The bytes and format of a `photo` to write (None: remove the photo)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidPhoto(f'{where}: "photo" must be a data: URL of a JPEG or PNG, or null')
    m = _DATA_URL.match(value)
    if not m:
        raise InvalidPhoto(f'{where}: "photo" must be a data: URL of a JPEG or PNG (data:image/jpeg;base64,…)')
    try:
        data = base64.b64decode(m.group(2), validate=False)
    except (binascii.Error, ValueError):
        raise InvalidPhoto(f'{where}: "photo" is not valid base64')
    if len(data) > MAX_BYTES:
        raise InvalidPhoto(f'{where}: "photo" is {len(data)} bytes, over the {MAX_BYTES} a photo may have')
    fmt = kind(data)
    if fmt is None or fmt != m.group(1):
        raise InvalidPhoto(f'{where}: "photo" says {m.group(1).upper()} but its bytes are not one')
    return data, fmt


def _folder(user):
    folder = Folder.objects.filter(uuid=dconst.UUID_FOLDER_IMAGES).first()
    if folder is None:
        folder = Folder.objects.filter(title=FOLDER_TITLE, parent_folder=None).first()
    if folder is None:
        folder = Folder.objects.create(user=user, title=FOLDER_TITLE)
    return folder


def set_photo(user, contact, decoded):
    """Sets (or with None removes) `contact`'s image, and saves the contact."""
    if decoded is None:
        contact.image = None
    else:
        data, fmt = decoded
        doc = Document(user=user, title=f'Photo of {contact}'[:100], linked_folder=_folder(user))
        doc.filedata.save(f'contact-{contact.id}.{"jpg" if fmt == "jpeg" else "png"}', ContentFile(data), save=False)
        doc.save()
        contact.image = doc
    contact.save()
