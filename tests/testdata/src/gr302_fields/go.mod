module example.com/gr302_fields

go 1.22
