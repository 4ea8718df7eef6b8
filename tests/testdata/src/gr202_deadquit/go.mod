module example.com/deadquit

go 1.22
