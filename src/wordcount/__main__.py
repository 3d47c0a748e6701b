from wordcount.cli.command import main

main(prog_name="wordcount")
