module example.com/heapretain

go 1.27
