module example.com/gr302_overwrite_fixed

go 1.22
