package golden

func Broken() {
	leakyThing()
	x := 
}
