/*
 * Record locks (linux/record_locks.c), white-box: the source is included
 * so that the table can be read. Random requests of three owners (the
 * process's POSIX locks and two descriptions' OFD locks) on one file are
 * checked against a model that keeps each owner's lock type byte by byte
 * (bytes 0 to SPAN - 1, and one more standing for SPAN to any end): each
 * answer, each owner's locks as the model has them, kept together,
 * sorted, apart, and never touching one of their type (Linux's form),
 * and what F_GETLK shows. Then the table's limit (-ENOLCK), F_SETLKW's
 * wait, and the locks that closes drop.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "linux/record_locks.c"

#define SPAN 48
#define BYTES (SPAN + 1) /* byte SPAN: SPAN to OFFSET_MAX */
#define OWNERS 3
#define NONE 3 /* the model's "no lock" */

/* The fakes record_locks.c calls. */
struct vm_checked_range vm_last_checked;
static unsigned waits, wakes;

bool vm_user_ok_checking(uint64_t address, uint64_t length, uint32_t access)
{
	(void)access;
	return address >= 4096 && length == sizeof(struct linux_flock);
}

uint64_t files_size(unsigned node)
{
	(void)node;
	return 10;
}

uint64_t io_object_slot(const struct file *file)
{
	(void)file;
	return 0;
}

void sched_wait_for_input(enum wait_kind kind, uint64_t deadline)
{
	cr_assert_eq(kind, WAIT_POLL);
	cr_assert_eq(deadline, 0);
	waits++;
}

void sched_wake_input_waiters(void)
{
	wakes++;
}

/* Owner 0 is the process (POSIX locks through either description),
 * owners 1 and 2 the descriptions. */
static struct file descriptions[2] = {
	{ .references = 1, .flags = O_RDWR, .node = 20, .kind = FILE_REGULAR },
	{ .references = 1, .flags = O_RDWR, .node = 20, .kind = FILE_REGULAR },
};
static uint8_t model[OWNERS][BYTES];

static const struct file *owner_file(unsigned owner)
{
	return owner ? &descriptions[owner - 1] : NULL;
}

static long call(unsigned owner, uint32_t posix_command, int type,
		 int64_t start, int64_t end, struct linux_flock *lock)
{
	uint32_t command = owner ? posix_command - F_GETLK + F_OFD_GETLK
				 : posix_command;

	*lock = (struct linux_flock){
		.type = (int16_t)type,
		.whence = SEEK_SET,
		.start = start,
		.length = end == OFFSET_MAX ? 0 : end - start + 1,
	};
	return record_lock(&descriptions[owner ? owner - 1 : (unsigned)rand() % 2],
			   command, (uint64_t)lock);
}

static unsigned byte_of(int64_t offset)
{
	return offset >= SPAN ? SPAN : (unsigned)offset;
}

static bool model_conflicts(unsigned owner, int type, int64_t start,
			    int64_t end)
{
	for (unsigned other = 0; other < OWNERS; other++) {
		if (other == owner)
			continue;
		for (unsigned b = byte_of(start); b <= byte_of(end); b++)
			if (model[other][b] != NONE &&
			    (type == F_WRLCK || model[other][b] == F_WRLCK))
				return true;
	}
	return false;
}

/* The owner's locks in the table: together, sorted, apart, not touching
 * one of their type, and byte for byte the model's. */
static void check_owner(unsigned owner)
{
	uint8_t seen[BYTES];
	int first = -1, last = -1;

	memset(seen, NONE, sizeof(seen));
	for (unsigned i = 0; i < held_count; i++) {
		const struct held_lock *lock = &held[i];

		if (lock->owner != owner_file(owner))
			continue;
		cr_assert(first < 0 || last == (int)i - 1,
			  "owner %u's locks are together", owner);
		if (first >= 0) {
			const struct held_lock *before = &held[last];

			cr_assert_lt(before->end, lock->start);
			cr_assert(before->type != lock->type ||
					  before->end + 1 < lock->start,
				  "owner %u: touching locks of one type", owner);
		}
		if (first < 0)
			first = (int)i;
		last = (int)i;
		cr_assert_leq(lock->start, lock->end);
		cr_assert(lock->end < SPAN || lock->end == OFFSET_MAX);
		for (unsigned b = byte_of(lock->start); b <= byte_of(lock->end);
		     b++)
			seen[b] = lock->type;
	}
	for (unsigned b = 0; b < BYTES; b++)
		cr_assert_eq(seen[b], model[owner][b],
			     "owner %u, byte %u: %u, not %u", owner, b, seen[b],
			     model[owner][b]);
}

static void random_range(int64_t *start, int64_t *end)
{
	*start = rand() % SPAN;
	*end = rand() % 5 == 0 ? OFFSET_MAX
			       : *start + rand() % (SPAN - *start);
}

Test(record_locks, random_requests_match_the_model)
{
	struct linux_flock lock;

	srand(7);
	memset(model, NONE, sizeof(model));
	for (unsigned round = 0; round < 20000; round++) {
		unsigned owner = (unsigned)rand() % OWNERS;
		int type = rand() % 3; /* F_RDLCK, F_WRLCK, F_UNLCK */
		int64_t start, end;

		random_range(&start, &end);
		if (rand() % 4 == 0) { /* F_GETLK */
			if (type == F_UNLCK)
				type = F_RDLCK;
			cr_assert_eq(call(owner, F_GETLK, type, start, end,
					  &lock),
				     0);
			cr_assert_eq(lock.type != F_UNLCK,
				     model_conflicts(owner, type, start, end),
				     "round %u: F_GETLK", round);
			if (lock.type == F_UNLCK)
				continue;
			/* what it shows is a lock of another owner, in the
			 * way */
			int64_t shown_end = lock.length ? lock.start +
								  lock.length - 1
							: OFFSET_MAX;
			bool found = false;

			for (unsigned i = 0; i < held_count; i++)
				found |= held[i].start == lock.start &&
					 held[i].end == shown_end &&
					 held[i].type == lock.type &&
					 held[i].owner != owner_file(owner) &&
					 (lock.pid == -1) ==
						 (held[i].owner != NULL);
			cr_assert(found, "round %u: F_GETLK's lock", round);
			cr_assert(lock.start <= end && start <= shown_end);
			continue;
		}
		bool conflict = type != F_UNLCK &&
				model_conflicts(owner, type, start, end);
		long result = call(owner, F_SETLK, type, start, end, &lock);

		cr_assert_eq(result, conflict ? -EAGAIN : 0, "round %u",
			     round);
		if (!conflict)
			for (unsigned b = byte_of(start); b <= byte_of(end);
			     b++)
				model[owner][b] =
					type == F_UNLCK ? NONE : (uint8_t)type;
		for (unsigned o = 0; o < OWNERS; o++)
			check_owner(o);
	}
}

Test(record_locks, the_table_has_a_limit)
{
	struct linux_flock lock;

	for (int64_t i = 0; i < LOCKS_MAX; i++)
		cr_assert_eq(call(1, F_SETLK, F_WRLCK, 2 * i, 2 * i, &lock), 0);
	cr_assert_eq(held_count, LOCKS_MAX);
	cr_assert_eq(call(1, F_SETLK, F_WRLCK, 2 * LOCKS_MAX,
			  2 * LOCKS_MAX, &lock),
		     -ENOLCK);
	cr_assert_eq(call(1, F_SETLK, F_UNLCK, 0, 0, &lock), 0, "fewer");
	cr_assert_eq(call(1, F_SETLK, F_WRLCK, 3, 3, &lock), 0,
		     "a lock that joins two");
	cr_assert_eq(held_count, LOCKS_MAX - 2);
	cr_assert_eq(call(2, F_SETLK, F_RDLCK, 100000, 100000, &lock), 0);
	cr_assert_eq(call(1, F_SETLK, F_UNLCK, 3, 3, &lock), 0,
		     "a split, into the last entry");
	cr_assert_eq(held_count, LOCKS_MAX);
	cr_assert_eq(call(1, F_SETLK, F_WRLCK, 5, 5, &lock), 0);
	cr_assert_eq(call(2, F_SETLK, F_RDLCK, 100002, 100002, &lock), 0);
	cr_assert_eq(call(1, F_SETLK, F_UNLCK, 5, 5, &lock), -ENOLCK,
		     "a split, the table full");
	cr_assert_eq(call(1, F_SETLK, F_WRLCK, 4, 4, &lock), 0,
		     "a change that needs no entry");
	record_locks_released(&descriptions[0]);
	record_locks_released(&descriptions[1]);
	cr_assert_eq(held_count, 0);
}

Test(record_locks, a_wait_and_what_closes_drop)
{
	struct linux_flock lock;
	struct file other_file = { .references = 1, .flags = O_RDONLY,
				   .node = 21, .kind = FILE_REGULAR };

	cr_assert_eq(call(0, F_SETLK, F_WRLCK, 0, 9, &lock), 0);
	cr_assert_eq(record_lock(&other_file, F_SETLK,
				 (uint64_t)&(struct linux_flock){
					 .type = F_RDLCK }),
		     0, "a POSIX lock on another file");
	cr_assert_eq(call(1, F_SETLK, F_RDLCK, 20, 29, &lock), 0);
	cr_assert_eq(call(2, F_SETLK, F_WRLCK, 5, 5, &lock), -EAGAIN);
	waits = wakes = 0;
	cr_assert_eq(call(2, F_SETLKW, F_WRLCK, 5, 5, &lock),
		     SYSCALL_NO_RESULT);
	cr_assert_eq(waits, 1);
	cr_assert_eq(call(2, F_SETLKW, F_RDLCK, 20, 25, &lock), 0,
		     "read locks share");

	record_locks_closed(&descriptions[1]); /* any descriptor of it */
	cr_assert_eq(wakes, 1);
	cr_assert_eq(call(2, F_SETLK, F_WRLCK, 5, 5, &lock), 0);
	cr_assert_eq(held_count, 4, "the other file's lock stays");

	record_locks_released(&descriptions[0]);
	cr_assert_eq(wakes, 2);
	record_locks_released(&descriptions[0]);
	cr_assert_eq(wakes, 2, "nothing to drop, no wake");
	cr_assert_eq(call(2, F_SETLK, F_UNLCK, 0, OFFSET_MAX, &lock), 0);
	record_locks_closed(&other_file);
	cr_assert_eq(held_count, 0);
}
