module example.com/waitdrain

go 1.25
