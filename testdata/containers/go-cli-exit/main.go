package main

import (
	"fmt"
	"os"

	"github.com/google/uuid"
)

func main() {
	if _, err := uuid.Parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8"); err != nil {
		os.Exit(1)
	}
	fmt.Println("hello from go-cli-exit")
	os.Exit(4)
}
