module example.com/condlostwakeup_fixed

go 1.22
