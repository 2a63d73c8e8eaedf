from sheetmap.cli import run

run()
