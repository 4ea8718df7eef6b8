module example.com/gr103_valueappend

go 1.22
