// Differential test: Debian's SQLite library (libsqlite3.a, glibc, static)
// over files in /tmp. SQLite is a heavy user of what a file system offers a
// database: pread/pwrite at odd offsets, fsync and fdatasync (of the
// directory too), ftruncate, POSIX record locks (fcntl F_SETLK/F_GETLK),
// unlinked temporary files, rollback journals beside the database, and in
// WAL mode a MAP_SHARED view of the -shm file. With mmap_size set it reads
// the database through a shared view while writing it with pwrite.
//
// Each group prints what it sees; the output must be the host's. The files
// carry the pid, so runs on the host that meson starts at once cannot meet.
// Nothing here uses SQLite's random(), randomblob() or the current time.

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[64];

static void name_file(char *out, size_t size, const char *tag)
{
	snprintf(out, size, "%s-%s.db", base, tag);
}

static int print_row(void *unused, int columns, char **values, char **names)
{
	(void)unused;
	(void)names;
	for (int i = 0; i < columns; i++)
		printf("%s%s", i ? "|" : "  ", values[i] ? values[i] : "NULL");
	printf("\n");
	return 0;
}

// Runs SQL, printing its rows and any error. Returns SQLite's result code.
static int run(sqlite3 *db, const char *sql)
{
	char *error = NULL;
	int rc = sqlite3_exec(db, sql, print_row, NULL, &error);
	if (rc != SQLITE_OK) {
		printf("  error %d: %s\n", rc, error ? error : "?");
		sqlite3_free(error);
	}
	return rc;
}

static sqlite3 *open_db(const char *path, int flags)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, flags, NULL);
	if (rc != SQLITE_OK) {
		printf("  open %s: %d %s\n", strrchr(path, '-'), rc,
		       db ? sqlite3_errmsg(db) : "?");
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static void remove_db(const char *path)
{
	static const char *const suffixes[] = {"", "-journal", "-wal", "-shm"};
	char name[128];
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
		unlink(name);
	}
}

// What is beside the database: which sidecar files exist, and their sizes
// where SQLite fixes them.
static void show_sidecars(const char *path)
{
	static const char *const suffixes[] = {"-journal", "-wal", "-shm"};
	char name[128];
	struct stat st;
	printf("  sidecars:");
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
		if (stat(name, &st) == 0)
			printf(" %s=%lld", suffixes[i], (long long)st.st_size);
	}
	printf("\n");
}

static const char fill_table[] =
	"create table t(id integer primary key, name text, value real, data blob);"
	"with recursive c(i) as (select 1 union all select i + 1 from c where i < 2000)"
	" insert into t(name, value, data)"
	" select printf('row-%05d', i), i * 1.5, zeroblob(i % 300) from c;";

static const char check_table[] =
	"select count(*), sum(id), total(value), sum(length(data)),"
	" min(name), max(name) from t;";

// Every journal mode: a committed transaction, a rolled-back one, a
// savepoint, and the file reopened.
static void group_journal_modes(void)
{
	static const char *const modes[] = {"delete", "truncate", "persist",
					    "memory", "wal", "off"};
	printf("journal modes\n");
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		char path[96], sql[128];
		name_file(path, sizeof path, modes[i]);
		remove_db(path);
		sqlite3 *db = open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
		if (!db)
			continue;
		printf(" %s\n", modes[i]);
		snprintf(sql, sizeof sql, "pragma journal_mode = %s;", modes[i]);
		run(db, sql);
		run(db, "pragma synchronous = full;");
		run(db, "begin;");
		run(db, fill_table);
		run(db, "commit;");
		run(db, check_table);
		if (strcmp(modes[i], "off") != 0) {
			run(db, "begin; delete from t where id % 3 = 0;"
				" update t set name = 'gone';");
			run(db, "select count(*), count(distinct name) from t;");
			run(db, "rollback;");
			run(db, check_table);
			run(db, "savepoint a; delete from t where id > 100;"
				" savepoint b; delete from t;"
				" rollback to b; release b;");
			run(db, "select count(*) from t;");
			run(db, "rollback to a; release a;");
			run(db, "select count(*) from t;");
		}
		run(db, "pragma integrity_check;");
		show_sidecars(path);
		sqlite3_close(db);
		show_sidecars(path);
		db = open_db(path, SQLITE_OPEN_READONLY);
		if (db) {
			run(db, check_table);
			run(db, "pragma journal_mode;");
			run(db, "insert into t(name) values ('read-only');");
			sqlite3_close(db);
		}
		remove_db(path);
	}
}

// Reads through a shared view of the database while writes go through
// pwrite: each read after a write must see it.
static void group_mmap(void)
{
	char path[96];
	name_file(path, sizeof path, "mmap");
	remove_db(path);
	printf("mmap\n");
	sqlite3 *db = open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	if (!db)
		return;
	run(db, "pragma mmap_size = 268435456;");
	run(db, "pragma mmap_size;");
	run(db, fill_table);
	run(db, check_table);
	for (int round = 0; round < 5; round++) {
		char sql[160];
		snprintf(sql, sizeof sql,
			 "update t set value = value + %d, data = zeroblob(%d)"
			 " where id %% 7 = %d;",
			 round, 100 + 50 * round, round);
		run(db, sql);
		run(db, check_table);
	}
	run(db, "delete from t where id > 500; vacuum;");
	run(db, check_table);
	run(db, "pragma page_count; pragma freelist_count;");
	run(db, "pragma integrity_check;");

	// A second connection reads the first one's commits through its own
	// view.
	sqlite3 *other = open_db(path, SQLITE_OPEN_READWRITE);
	if (other) {
		run(other, "pragma mmap_size = 268435456;");
		run(other, "select count(*), total(value) from t;");
		run(db, "insert into t(name, value) values ('late', 1e100);");
		run(other, "select count(*), max(value) from t;");
		sqlite3_close(other);
	}
	sqlite3_close(db);
	remove_db(path);
}

// Two connections in one process: a reader's snapshot in WAL mode, a
// writer locked out, and the lock released by commit.
static void group_two_connections(void)
{
	static const char *const modes[] = {"wal", "delete"};
	printf("two connections\n");
	for (size_t i = 0; i < 2; i++) {
		char path[96], sql[64];
		name_file(path, sizeof path, "pair");
		remove_db(path);
		sqlite3 *a = open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
		sqlite3 *b = open_db(path, SQLITE_OPEN_READWRITE);
		if (!a || !b) {
			sqlite3_close(a);
			sqlite3_close(b);
			continue;
		}
		printf(" %s\n", modes[i]);
		snprintf(sql, sizeof sql, "pragma journal_mode = %s;", modes[i]);
		run(a, sql);
		run(a, "create table k(x); insert into k values (1), (2);");
		run(b, "begin; select count(*) from k;");
		run(a, "insert into k values (3);");
		run(b, "select count(*) from k;");
		run(b, "insert into k values (4);");
		run(b, "commit;");
		run(b, "select count(*) from k;");
		run(a, "begin immediate;");
		run(b, "begin immediate;");
		run(b, "rollback;");
		run(a, "commit;");
		run(b, "insert into k values (5); select sum(x) from k;");
		run(a, "pragma wal_checkpoint(truncate);");
		show_sidecars(path);
		sqlite3_close(b);
		sqlite3_close(a);
		remove_db(path);
	}
}

struct writer {
	const char *path;
	int index;
	int failures;
};

// Each writer inserts in small transactions through its own connection;
// a busy timeout makes SQLite sleep and retry while another holds the lock.
static void *write_rows(void *argument)
{
	struct writer *writer = argument;
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(writer->path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		writer->failures = -1;
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 60000);
	for (int batch = 0; batch < 10; batch++) {
		char sql[256];
		snprintf(sql, sizeof sql,
			 "begin immediate;"
			 "insert into w(writer, n) select %d, value from"
			 " (with recursive c(value) as (select %d union all"
			 " select value + 1 from c where value < %d) select value from c);"
			 "commit;",
			 writer->index, batch * 20, batch * 20 + 19);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			writer->failures++;
	}
	sqlite3_close(db);
	return NULL;
}

static void group_threads(void)
{
	static const char *const modes[] = {"wal", "delete"};
	printf("threads\n");
	for (size_t m = 0; m < 2; m++) {
		char path[96], sql[64];
		name_file(path, sizeof path, "threads");
		remove_db(path);
		sqlite3 *db = open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
		if (!db)
			continue;
		printf(" %s\n", modes[m]);
		snprintf(sql, sizeof sql, "pragma journal_mode = %s;", modes[m]);
		run(db, sql);
		run(db, "create table w(writer, n);");
		pthread_t threads[4];
		struct writer writers[4];
		for (int i = 0; i < 4; i++) {
			writers[i] = (struct writer){.path = path, .index = i};
			pthread_create(&threads[i], NULL, write_rows, &writers[i]);
		}
		for (int i = 0; i < 4; i++) {
			pthread_join(threads[i], NULL);
			printf("  writer %d failures %d\n", i, writers[i].failures);
		}
		run(db, "select writer, count(*), sum(n) from w group by writer;");
		run(db, "pragma integrity_check;");
		sqlite3_close(db);
		remove_db(path);
	}
}

// Two databases in one transaction: the commit goes through a super-journal
// (its name is random, so only its absence afterwards is shown).
static void group_attach(void)
{
	char main_path[96], other_path[96], sql[256];
	name_file(main_path, sizeof main_path, "main");
	name_file(other_path, sizeof other_path, "other");
	remove_db(main_path);
	remove_db(other_path);
	printf("attach\n");
	sqlite3 *db = open_db(main_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	if (!db)
		return;
	snprintf(sql, sizeof sql, "attach '%s' as other;", other_path);
	run(db, sql);
	run(db, "create table a(x); create table other.b(y);");
	run(db, "begin; insert into a values (1), (2);"
		" insert into other.b select x * 10 from a; commit;");
	run(db, "begin; insert into a values (3); insert into other.b values (30);"
		" rollback;");
	run(db, "select (select group_concat(x) from a), (select group_concat(y) from b);");
	run(db, "detach other;");
	sqlite3_close(db);
	show_sidecars(main_path);
	show_sidecars(other_path);
	db = open_db(other_path, SQLITE_OPEN_READONLY);
	if (db) {
		run(db, "select count(*), sum(y) from b;");
		sqlite3_close(db);
	}
	remove_db(main_path);
	remove_db(other_path);
}

// Big values (overflow pages), incremental blob I/O, a sort that spills to
// temporary files, and a backup into memory and out again.
static void group_big(void)
{
	char path[96], copy_path[96];
	name_file(path, sizeof path, "big");
	name_file(copy_path, sizeof copy_path, "copy");
	remove_db(path);
	remove_db(copy_path);
	printf("big\n");
	sqlite3 *db = open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	if (!db)
		return;
	run(db, "pragma page_size = 1024; pragma cache_size = 20;"
		" pragma temp_store = file;");
	run(db, "create table b(id integer primary key, v blob);"
		"insert into b values (1, zeroblob(1000000)), (2, zeroblob(70000));");
	sqlite3_blob *blob = NULL;
	if (sqlite3_blob_open(db, "main", "b", "v", 1, 1, &blob) == SQLITE_OK) {
		unsigned char chunk[4096];
		for (int offset = 0; offset + (int)sizeof chunk <= 1000000; offset += 99999) {
			for (size_t i = 0; i < sizeof chunk; i++)
				chunk[i] = (unsigned char)(offset / 99999 + i * 7);
			if (sqlite3_blob_write(blob, chunk, sizeof chunk, offset) != SQLITE_OK)
				printf("  blob write at %d failed\n", offset);
		}
		unsigned char back[16];
		sqlite3_blob_read(blob, back, sizeof back, 99999 * 3 + 4000);
		printf("  blob bytes:");
		for (size_t i = 0; i < sizeof back; i++)
			printf(" %02x", back[i]);
		printf("\n  blob size %d\n", sqlite3_blob_bytes(blob));
		printf("  write past end: %d\n",
		       sqlite3_blob_write(blob, back, 16, 999990));
		sqlite3_blob_close(blob);
	}
	run(db, "select id, length(v), hex(substr(v, 99999 * 2 + 1, 8)) from b;");
	run(db, "create table s(k text, n integer);"
		"with recursive c(i) as (select 1 union all select i + 1 from c where i < 20000)"
		" insert into s select printf('%08x', (i * 2654435761) % 4294967296), i from c;");
	run(db, "select k, n from s order by k limit 3;");
	run(db, "select k, n from s order by k desc limit 2;");
	run(db, "select count(distinct substr(k, 1, 3)) from s;");
	run(db, "pragma integrity_check;");

	sqlite3 *memory = open_db(":memory:", SQLITE_OPEN_READWRITE);
	if (memory) {
		sqlite3_backup *backup = sqlite3_backup_init(memory, "main", db, "main");
		int rc = backup ? sqlite3_backup_step(backup, -1) : -1;
		printf("  backup to memory: %d\n", rc);
		sqlite3_backup_finish(backup);
		run(memory, "select count(*), sum(n) from s;");
		sqlite3 *copy = open_db(copy_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
		if (copy) {
			backup = sqlite3_backup_init(copy, "main", memory, "main");
			rc = backup ? sqlite3_backup_step(backup, 7) : -1;
			while (rc == SQLITE_OK)
				rc = sqlite3_backup_step(backup, 7);
			printf("  backup to file: %d\n", rc);
			sqlite3_backup_finish(backup);
			run(copy, "select count(*), sum(n), (select length(v) from b where id = 1) from s;");
			run(copy, "pragma integrity_check;");
			sqlite3_close(copy);
		}
		sqlite3_close(memory);
	}
	struct stat a, b;
	if (stat(path, &a) == 0 && stat(copy_path, &b) == 0)
		printf("  sizes: %lld %lld\n", (long long)a.st_size, (long long)b.st_size);
	run(db, "drop table s; pragma incremental_vacuum; vacuum;");
	if (stat(path, &a) == 0)
		printf("  after vacuum: %lld\n", (long long)a.st_size);
	sqlite3_close(db);
	remove_db(path);
	remove_db(copy_path);
}

// What SQLite reports for files that are not databases, paths that cannot
// be opened, and SQL that is wrong.
static void group_errors(void)
{
	char path[96];
	printf("errors\n");
	open_db("/nonexistent-dir/x.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	name_file(path, sizeof path, "missing");
	open_db(path, SQLITE_OPEN_READWRITE);

	name_file(path, sizeof path, "garbage");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		char junk[4096];
		for (size_t i = 0; i < sizeof junk; i++)
			junk[i] = (char)(i * 31 + 5);
		if (write(fd, junk, sizeof junk) != (ssize_t)sizeof junk)
			printf("  short write\n");
		close(fd);
	}
	sqlite3 *db = open_db(path, SQLITE_OPEN_READWRITE);
	if (db) {
		run(db, "select * from sqlite_master;");
		sqlite3_close(db);
	}
	unlink(path);

	db = open_db(":memory:", SQLITE_OPEN_READWRITE);
	if (!db)
		return;
	run(db, "select * from nowhere;");
	run(db, "create table u(x unique); insert into u values (1), (1);");
	run(db, "select 1 / 0, 7 % 0, abs(-9223372036854775807 - 1);");
	run(db, "select json_extract('{\"a\":[1,2,{\"b\":3.5}]}', '$.a[2].b'),"
		" printf('%.3f|%e|%g', 3.14159, 1e-300, 2e22),"
		" datetime(1700000000, 'unixepoch'), julianday('2000-01-01'),"
		" upper('straße'), length('ünï'), hex('é');");
	run(db, "select 0.1 + 0.2, 1e308 * 10, -1e308 * 10, round(2.5), cast('12abc' as integer);");
	sqlite3_close(db);
}

int main(void)
{
	snprintf(base, sizeof base, "/tmp/wicket-sqlite-%d", (int)getpid());
	printf("sqlite %s, threadsafe %d\n", sqlite3_libversion(),
	       sqlite3_threadsafe());
	group_journal_modes();
	group_mmap();
	group_two_connections();
	group_threads();
	group_attach();
	group_big();
	group_errors();
	printf("done\n");
	return 0;
}
