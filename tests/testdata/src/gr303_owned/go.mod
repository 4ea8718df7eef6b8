module example.com/gr303_owned

go 1.21
