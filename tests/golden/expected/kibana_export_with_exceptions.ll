; ModuleID = 'rulec'
source_filename = "rulec"

@rulec_shape = constant [3 x i32] [i32 2, i32 8, i32 0]

; Function Attrs: noinline
define internal void @rules_0(ptr %0, ptr %1) #0 {
entry:
  %2 = getelementptr inbounds i8, ptr %0, i64 0
  %atoms = load ptr, ptr %2, align 8
  %3 = getelementptr inbounds i8, ptr %0, i64 8
  %memo = load ptr, ptr %3, align 8
  %4 = getelementptr inbounds i8, ptr %0, i64 16
  %lazy = load ptr, ptr %4, align 8
  %5 = getelementptr inbounds i64, ptr %atoms, i64 0
  %6 = load i64, ptr %5, align 4
  %7 = and i64 %6, 1
  %8 = icmp ne i64 %7, 0
  br i1 %8, label %and.next, label %and.end

and.end:                                          ; preds = %or.end2, %or.end, %entry
  %9 = phi i1 [ false, %entry ], [ false, %or.end ], [ %43, %or.end2 ]
  %10 = zext i1 %9 to i64
  %11 = shl i64 %10, 0
  %12 = or i64 0, %11
  %13 = getelementptr inbounds i64, ptr %atoms, i64 0
  %14 = load i64, ptr %13, align 4
  %15 = and i64 %14, 64
  %16 = icmp ne i64 %15, 0
  %17 = zext i1 %16 to i64
  %18 = shl i64 %17, 1
  %19 = or i64 %12, %18
  %20 = getelementptr inbounds i64, ptr %1, i64 0
  %21 = load i64, ptr %20, align 4
  %22 = or i64 %21, %19
  store i64 %22, ptr %20, align 4
  ret void

and.next:                                         ; preds = %entry
  %23 = getelementptr inbounds i64, ptr %atoms, i64 0
  %24 = load i64, ptr %23, align 4
  %25 = and i64 %24, 12
  %26 = and i64 %24, 0
  %27 = xor i64 %26, 0
  %28 = or i64 %27, %25
  %29 = or i64 0, %28
  %30 = icmp eq i64 %29, 0
  br i1 %30, label %or.end, label %or.next

or.end:                                           ; preds = %or.next, %and.next
  %31 = phi i1 [ true, %and.next ], [ %39, %or.next ]
  br i1 %31, label %and.next1, label %and.end

or.next:                                          ; preds = %and.next
  %32 = getelementptr inbounds i64, ptr %atoms, i64 0
  %33 = load i64, ptr %32, align 4
  %34 = and i64 %33, 48
  %35 = and i64 %33, 0
  %36 = xor i64 %35, 0
  %37 = or i64 %36, %34
  %38 = or i64 0, %37
  %39 = icmp eq i64 %38, 0
  br label %or.end

and.next1:                                        ; preds = %or.end
  %40 = call i32 %lazy(ptr %0, i32 1)
  %41 = icmp ne i32 %40, 0
  %42 = xor i1 %41, true
  br i1 %42, label %or.end2, label %or.next3

or.end2:                                          ; preds = %or.next3, %and.next1
  %43 = phi i1 [ true, %and.next1 ], [ %46, %or.next3 ]
  br label %and.end

or.next3:                                         ; preds = %and.next1
  %44 = call i32 %lazy(ptr %0, i32 7)
  %45 = icmp ne i32 %44, 0
  %46 = xor i1 %45, true
  br label %or.end2
}

define void @rulec_eval(ptr %0, ptr %1) {
entry:
  call void @rules_0(ptr %0, ptr %1)
  ret void
}

attributes #0 = { noinline }
