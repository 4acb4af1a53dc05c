# CPython's own unit tests (Debian's libpython3.11-testsuite), for the
# modules named on the command line: each test's outcome as it comes (in
# unittest's order, which is fixed: a module's slow tests then never leave
# the console silent for the runner's 20 s), and for a failure its
# exception's last line. The same on the host and under Wicket; the
# status is 1 if any test failed.
import sys
import traceback
import unittest


class Outcomes(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.outcomes = []

    def note(self, test, outcome):
        self.outcomes.append((test.id(), outcome))
        print(f"  {test.id()}: {outcome}")

    def addSuccess(self, test):
        self.note(test, "ok")

    def addSkip(self, test, reason):
        self.note(test, "skipped: " + reason)

    def addExpectedFailure(self, test, error):
        self.note(test, "expected failure")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.note(test, "unexpected success")

    def addFailure(self, test, error):
        super().addFailure(test, error)
        self.note(test, "FAIL " + last_line(error))

    def addError(self, test, error):
        super().addError(test, error)
        self.note(test, "ERROR " + last_line(error))

    def addSubTest(self, test, subtest, error):
        if error is not None:
            super().addSubTest(test, subtest, error)
            self.note(subtest, "FAIL " + last_line(error))


def last_line(error):
    return traceback.format_exception_only(error[0], error[1])[-1].strip()


failed = False
for name in sys.argv[1:]:
    result = Outcomes()
    print(f"{name}:")
    unittest.defaultTestLoader.loadTestsFromName("test." + name).run(result)
    print(f"{name}: {len(result.outcomes)} outcomes, "
          f"{len(result.failures) + len(result.errors)} failed")
    failed |= not result.wasSuccessful()
sys.exit(1 if failed else 0)
