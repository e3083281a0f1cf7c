"""Quizzes on the saga: multiple-choice questions generated from the saga database, the round's
state machine, and their persistence in the bot's state database.

Plain Python: nothing here imports discord. The Discord cog and the console drive the same
`QuizService` (bot.quiz.service) and word its results with bot.quiz.texts.

    service = QuizService(index, state_db)
    started = service.start_quiz(guild_id, channel_id, starter, locale, now=time.time())
    service.record_click(quiz_id, number, member, choice, now=time.time())
    steps = service.advance(channel_id, now=time.time())   # reveal, next question, end
"""
