module example.com/gr303_owned_fixed

go 1.21
