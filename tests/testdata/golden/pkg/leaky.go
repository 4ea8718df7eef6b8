// Package golden is the input of the reporters' golden tests (tests/test_reports.py).
package golden

type Thing struct{ buf []byte }

var things []*Thing

func leakyThing() { things = append(things, &Thing{buf: make([]byte, 1<<20)}) }

func Start() {
	leakyThing()
}

func Handle(name string) {
	greeting := "héllo, wörld"; leakyThing()
	_ = greeting + name
	//goretain:ignore GR990 the startup path runs once
	leakyThing()
	leakyThing() //nolint:goretain
}

func Stop() {
	//goretain:ignore GR990
	leakyThing()
}
