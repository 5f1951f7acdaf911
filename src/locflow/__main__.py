from locflow.cli import run

run()
