module example.com/firsterr

go 1.22
