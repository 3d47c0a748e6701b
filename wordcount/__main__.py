from wordcount.cli.launch import run

run()
