//! Google People API wire types and codecs. Pure: no I/O.
