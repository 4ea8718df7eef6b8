module example.com/gr103_valueappend_fixed

go 1.22
