# abacosamples/wc: counts the words of the message, as the user guide's quickstart actor does
# (the words are what splitting on single spaces gives).
import os

message = os.environ.get('MSG', '')
print('Number of words is: ' + str(len(message.split(' '))))
