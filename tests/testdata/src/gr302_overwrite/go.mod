module example.com/gr302_overwrite

go 1.22
