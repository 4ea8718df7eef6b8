module example.com/gr103_served_fixed

go 1.22
