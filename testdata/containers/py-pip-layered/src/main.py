from greetlib import greet
from tinyserve import serve

serve(lambda: greet("py-pip-layered"))
