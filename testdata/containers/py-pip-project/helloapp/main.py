from greetlib import greet
from tinyserve import serve


def run():
    serve(lambda: greet("py-pip-project"))
