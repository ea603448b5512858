import sys
from greetlib import greet

print(greet("py-cli-exit"))
sys.exit(3)
