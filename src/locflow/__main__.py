from locflow.fastpath import main_exit

main_exit()
