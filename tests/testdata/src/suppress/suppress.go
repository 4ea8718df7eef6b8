// Package suppress exercises GR000: suppression comments that are malformed or
// silence nothing. Suppressions that do silence findings are tested in
// tests/test_suppressions.py with a test-only rule.
package suppress

func counter() int {
	//goretain:ignore GR999 no such rule // want "GR000"
	n := 1
	//goretain:ignore because it is fine // want "GR000"
	n++
	//goretain:ignore GR101,GR998 nothing to silence here // want "GR000" "GR000"
	n++
	n++ //nolint:goretain // unused nolint comments are never reported
	n++ //nolint
	// goretain:ignore-file GR997 unknown rules in file-level ignores too // want "GR000"
	return n
}
