package main

const yieldCount = 10

func register(name string, f func()) {}

func registerInit(name string, f func()) {}

func main() {}
