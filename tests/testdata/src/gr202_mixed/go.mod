module example.com/gr202mixed

go 1.22
