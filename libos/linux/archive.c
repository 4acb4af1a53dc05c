/*
 * The boot's file archive (archive.h): a cpio archive in the "newc"
 * format (`cpio -o -H newc`, what Linux's initramfs uses), read in place
 * from its module, which stays mapped read-only for the whole run (a file
 * that changes is copied first: linux/files.c).
 *
 * Each entry is a 110-byte header: the magic "070701" (or "070702", with
 * checksums, which are not checked) and 13 fields of 8 hex digits (inode,
 * mode, uid, gid, links, mtime, file size, the device's and the special
 * file's major and minor, the name's size with its NUL, the checksum);
 * then the name and its NUL, padded to a multiple of 4 from the archive's
 * start; then the file's bytes, padded the same way. The name
 * "TRAILER!!!" ends it.
 *
 * The archive is hostile input like any other: every field is checked
 * against the module's size before it is used, and a damaged entry ends
 * the reading there (what came before it stays), with a report.
 */
#include "linux/archive.h"

#include <stdbool.h>

#include "lib/string.h"
#include "libos.h"
#include "linux/files.h"

#define HEADER_BYTES 110
#define FIELDS       13

enum field {
	FIELD_INO, FIELD_MODE, FIELD_UID, FIELD_GID, FIELD_NLINK, FIELD_MTIME,
	FIELD_SIZE, FIELD_DEVMAJOR, FIELD_DEVMINOR, FIELD_RDEVMAJOR,
	FIELD_RDEVMINOR, FIELD_NAMESIZE, FIELD_CHECK,
};

static uint64_t align4(uint64_t offset)
{
	return (offset + 3) & ~UINT64_C(3);
}

/* The 13 fields of the header at `header`: false if one is not hex. */
static bool parse_fields(const uint8_t *header, uint32_t fields[FIELDS])
{
	for (unsigned field = 0; field < FIELDS; field++) {
		uint32_t value = 0;

		for (unsigned digit = 0; digit < 8; digit++) {
			uint8_t c = header[6 + field * 8 + digit];

			value <<= 4;
			if (c >= '0' && c <= '9')
				value |= (uint32_t)(c - '0');
			else if (c >= 'a' && c <= 'f')
				value |= (uint32_t)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				value |= (uint32_t)(c - 'A' + 10);
			else
				return false;
		}
		fields[field] = value;
	}
	return true;
}

/* Hard links: newc gives a file's bytes with the last of its names
 * only; the names before it wait here for them (by inode number). */
#define LINKS_WAITING 256
static struct {
	uint32_t ino;
	unsigned node;
} waiting[LINKS_WAITING];
static unsigned waiting_count;

/* The directory a path's last component goes in, found or made from the
 * root (a directory the archive did not list first is made); the path
 * becomes that last component. NO_NODE: a component is not a directory
 * or is "..", which would climb out of the archive's place, or is longer
 * than Linux's NAME_MAX (*full false),
 * or the table is full (*full true). */
static unsigned parent_of(const char **path, size_t *length, bool *full)
{
	unsigned directory = NODE_ROOT;

	for (;;) {
		size_t component = 0;

		while (component < *length && (*path)[component] != '/')
			component++;
		if (component == *length)
			return directory; /* the last */
		if ((component == 2 && (*path)[0] == '.' &&
		     (*path)[1] == '.') || component > 255)
			return NO_NODE; /* out of its place, or too long */
		unsigned next = component == 1 && (*path)[0] == '.'
				? directory
				: files_child(directory, *path, component);

		if (next == NO_NODE) {
			struct file_entry made = {
				*path, component, S_IFDIR | 0755, 0, 0, 0,
				NULL, 0 };

			next = files_add(directory, &made);
			if (next == NO_NODE) {
				*full = true;
				return NO_NODE;
			}
		}
		if (!files_is_directory(next))
			return NO_NODE;
		directory = next;
		*path += component + 1;
		*length -= component + 1;
		while (*length && **path == '/') {
			(*path)++;
			(*length)--;
		}
	}
}

/* A regular file's bytes to the names of it that came before. */
static void link_contents(const uint32_t fields[FIELDS], unsigned node)
{
	if (fields[FIELD_NLINK] < 2)
		return;
	if (fields[FIELD_SIZE] == 0) {
		if (waiting_count < LINKS_WAITING) {
			waiting[waiting_count].ino = fields[FIELD_INO];
			waiting[waiting_count].node = node;
			waiting_count++;
		}
		return;
	}
	for (unsigned i = 0; i < waiting_count; i++)
		if (waiting[i].ino == fields[FIELD_INO])
			files_share_contents(waiting[i].node, node);
}

/* One entry into the tree (its node into *placed, if it is there now:
 * the one the name had already, or a new one): false when the table is
 * full. */
static bool add_entry(const char *name, size_t length,
		      const uint32_t fields[FIELDS], const uint8_t *data,
		      unsigned *skipped, unsigned *placed)
{
	uint32_t type = fields[FIELD_MODE] & S_IFMT;
	bool full = false;

	while (length && name[0] == '/') { /* absolute names: from the root */
		name++;
		length--;
	}
	while (length >= 2 && name[0] == '.' && name[1] == '/') {
		name += 2;
		length -= 2;
	}
	while (length && name[length - 1] == '/')
		length--;
	if (length == 0 || (length == 1 && name[0] == '.'))
		return true; /* the root itself: it stays as it is */
	if (type != S_IFDIR && type != S_IFREG && type != S_IFLNK &&
	    type != S_IFIFO && type != S_IFSOCK) {
		(*skipped)++; /* devices */
		return true;
	}
	unsigned parent = parent_of(&name, &length, &full);

	if (full)
		return false;
	/* Under a name that is not a directory; "." or ".." as a name, or
	 * one too long for Linux, which no lookup could find; or a name the
	 * tree has already (a device, or the same name twice: the first
	 * stays). */
	if (parent == NO_NODE || (length == 1 && name[0] == '.') ||
	    (length == 2 && name[0] == '.' && name[1] == '.') ||
	    length > 255) {
		(*skipped)++;
		return true;
	}
	unsigned existing = files_child(parent, name, length);

	*placed = existing;
	if (existing != NO_NODE) {
		/* A directory the tree has already (/dev, /tmp, or one made
		 * for a name listed before it, as `find -depth` orders them)
		 * is the same directory, with this entry's attributes. */
		if (type != S_IFDIR || !files_is_directory(existing)) {
			(*skipped)++;
		} else {
			struct file_entry entry = {
				name, length, fields[FIELD_MODE],
				fields[FIELD_UID], fields[FIELD_GID],
				fields[FIELD_MTIME], NULL, 0 };

			files_set_attributes(existing, &entry);
		}
		return true;
	}
	struct file_entry entry = {
		name, length, fields[FIELD_MODE], fields[FIELD_UID],
		fields[FIELD_GID], fields[FIELD_MTIME], data, fields[FIELD_SIZE],
	};
	unsigned node = files_add(parent, &entry);

	*placed = node;
	if (node == NO_NODE)
		return false;
	if (type == S_IFREG)
		link_contents(fields, node);
	return true;
}

void archive_load(const uint8_t *archive, uint64_t size)
{
	uint64_t at = 0;
	unsigned skipped = 0;
	const char *damage = NULL;

	for (;;) {
		uint32_t fields[FIELDS];

		if (size - at < HEADER_BYTES) {
			damage = "it ends without its trailer";
			break;
		}
		const uint8_t *header = archive + at;

		if (memcmp(header, "07070", 5) != 0 ||
		    (header[5] != '1' && header[5] != '2')) {
			damage = "an entry is not in the newc format "
				 "(cpio -H newc)";
			break;
		}
		if (!parse_fields(header, fields)) {
			damage = "a header field is not hexadecimal";
			break;
		}
		uint64_t name_size = fields[FIELD_NAMESIZE];
		uint64_t data_at = align4(at + HEADER_BYTES + name_size);
		uint64_t data_size = fields[FIELD_SIZE];

		if (name_size == 0 || data_at > size ||
		    header[HEADER_BYTES + name_size - 1] != '\0') {
			damage = "an entry's name runs past the archive or "
				 "has no NUL";
			break;
		}
		if (data_size > size - data_at) {
			damage = "an entry's data runs past the archive";
			break;
		}
		const char *name = (const char *)header + HEADER_BYTES;
		size_t length = name_size - 1;

		if (length == 10 && memcmp(name, "TRAILER!!!", 10) == 0)
			break;
		if (strlen(name) != length) {
			damage = "an entry's name has a NUL inside";
			break;
		}
		unsigned placed;

		if (!add_entry(name, length, fields, archive + data_at,
			       &skipped, &placed)) {
			libos_report("files: the tree is full (%u nodes); the "
				     "rest of the archive is left out",
				     NODES_MAX);
			break;
		}
		at = align4(data_at + data_size);
		if (at > size)
			at = size;
	}
	if (damage)
		libos_report("files: the archive is damaged at byte %lu (%s); "
			     "the entries before it are there", at, damage);
	if (skipped)
		libos_report("files: %u entries of the archive left out "
			     "(devices; names with \"..\", "
			     "under a file, too long, or there already)",
			     skipped);
}

unsigned archive_place(const char *path, const uint8_t *bytes, uint64_t size,
		       uint32_t mode, int64_t mtime)
{
	uint32_t fields[FIELDS] = { 0 };
	unsigned skipped = 0, placed = NO_NODE;

	fields[FIELD_MODE] = mode;
	fields[FIELD_NLINK] = 1;
	fields[FIELD_MTIME] = (uint32_t)mtime;
	fields[FIELD_SIZE] = (uint32_t)size;
	if (size > UINT32_MAX || (mode & S_IFMT) != S_IFREG ||
	    !add_entry(path, strlen(path), fields, bytes, &skipped, &placed) ||
	    placed == NO_NODE || files_is_directory(placed))
		return NO_NODE;
	return placed;
}
