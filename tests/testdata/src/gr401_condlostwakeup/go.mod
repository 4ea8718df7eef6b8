module example.com/condlostwakeup

go 1.22
