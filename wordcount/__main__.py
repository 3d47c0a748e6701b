from wordcount.cli import main

main(prog_name="wordcount")
