from sheetmap.cli import main

main()
