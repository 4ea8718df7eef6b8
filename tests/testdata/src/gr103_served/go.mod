module example.com/gr103_served

go 1.22
