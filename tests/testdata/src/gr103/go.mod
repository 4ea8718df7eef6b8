module example.com/gr103

go 1.22
