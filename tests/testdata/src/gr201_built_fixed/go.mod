module example.com/gr201_built_fixed

go 1.22
