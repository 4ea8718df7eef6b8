module example.com/gr302_fields_fixed

go 1.22
