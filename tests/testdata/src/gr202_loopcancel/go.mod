module example.com/loopcancel

go 1.23
